import type { DeliveryMethod } from "../generated/prisma/enums.ts";

// The delivery details' vocabulary, without the database: the forms (client components) use it as well as the
// server (delivery.ts).

/** The countries the shop sends to, ISO 3166-1 alpha-2, the shop's own first. */
export const DELIVERY_COUNTRIES = [
  { code: "SE", name: "Sweden" },
  { code: "NO", name: "Norway" },
  { code: "DK", name: "Denmark" },
  { code: "FI", name: "Finland" },
  { code: "DE", name: "Germany" },
] as const;

export type DeliveryCountry = (typeof DELIVERY_COUNTRIES)[number]["code"];
export const DEFAULT_COUNTRY: DeliveryCountry = "SE";

export const DELIVERY_FIELDS = ["email", "name", "method", "street", "postcode", "city", "country"] as const;
export type DeliveryField = (typeof DELIVERY_FIELDS)[number];

/** What the shopper typed, as strings, to put back into the form after an error. */
export type DeliveryValues = Record<DeliveryField, string>;
export type DeliveryFieldErrors = Partial<Record<DeliveryField, string>>;

/** The delivery details as a shopper sees them (pages, forms); null fields are "not given yet". */
export type DeliveryView = {
  complete: boolean;
  email: string | null;
  name: string | null;
  method: DeliveryMethod | null;
  street: string | null;
  postcode: string | null;
  city: string | null;
  country: string | null;
  /** "Sweden" for SE: for the address as the page prints it. */
  countryName: string | null;
};

/** The order's delivery details as the form starts with them (the shop's own country when none is given). */
export function deliveryFormValues(view: DeliveryView | null): DeliveryValues {
  return {
    email: view?.email ?? "",
    name: view?.name ?? "",
    method: view?.method ?? "SHIP",
    street: view?.street ?? "",
    postcode: view?.postcode ?? "",
    city: view?.city ?? "",
    country: view?.country ?? DEFAULT_COUNTRY,
  };
}

/** The form's own fields from whatever was posted, as strings (bounded), to refill the form after an error. */
export function deliveryValuesFrom(input: Record<string, unknown>): DeliveryValues {
  const value = (field: DeliveryField) => (typeof input[field] === "string" ? input[field].slice(0, 300) : "");
  return {
    email: value("email"),
    name: value("name"),
    method: value("method") || "SHIP",
    street: value("street"),
    postcode: value("postcode"),
    city: value("city"),
    country: value("country") || DEFAULT_COUNTRY,
  };
}

