import { stageOf, type OrderStage, type OrderView } from "./order-view.ts";

// What the Success, Failure and Cancel pages say about an order, from what the server found out (never from the
// page's name). Honest about who did what: the shop's cancel is never told as the shopper's own, and an order the
// shop ended offers no way to pay it. Pure: the pages (a client component) and the tests read the same words.

export type OutcomePage = "success" | "failure" | "cancel";

export type OutcomeWords = {
  stage: OrderStage;
  heading: string;
  /** The sentences under the heading; null where the page shows the receipt instead. */
  message: string | null;
  /**
   * What the page offers next: back to the order, which can still be paid (or changed); or only back to the shop,
   * for an order that is paid, being paid, or can never be paid again.
   */
  next: "back-to-order" | "back-to-shop";
  /** The order was ended by the shop: the page says how to reach it. */
  contactShop: boolean;
};

const CHECKING: Record<OutcomePage, string> = {
  success: "Confirming your payment with SEQR…",
  failure: "Checking what happened to your payment…",
  cancel: "Checking your order…",
};

/** What the page says while it waits for the server's first answer. */
export function checkingWords(page: OutcomePage): string {
  return CHECKING[page];
}

export function outcomeWords(order: OrderView, page: OutcomePage, shopName: string): OutcomeWords {
  const stage = stageOf(order.status);
  const number = order.number;
  const words = (heading: string, message: string | null, next: OutcomeWords["next"], contactShop = false): OutcomeWords => ({
    stage,
    heading,
    message,
    next,
    contactShop,
  });
  switch (stage) {
    case "paid":
      return words("Thank you! Your payment is complete", null, "back-to-shop");
    case "open":
    case "processing":
      return words(
        page === "success" ? "Your payment is being confirmed" : "Your payment is not finished yet",
        `Order ${number}. ${CHECKING[page]} This page updates by itself.`,
        "back-to-shop",
      );
    case "failed":
      return words(
        "The payment did not go through",
        `The payment for order ${number} was declined in the SEQR app, or the wallet did not hold enough money. Nothing was charged.`,
        "back-to-order",
      );
    case "canceled":
      // The merchant's Cancel invoice stops one payment, not the order: it can still be paid.
      return order.canceledBy === "shop"
        ? words(
            "The shop stopped this payment",
            `${shopName} canceled the payment request for order ${number}, so nothing was charged. Your order is kept: you can pay it again.`,
            "back-to-order",
          )
        : words(
            "The payment was canceled",
            `You canceled the payment in the SEQR app. Nothing was charged, and your order ${number} is kept.`,
            "back-to-order",
          );
    case "expired":
      return words(
        "This order has expired",
        `Order ${number} was not paid in time, so it can no longer be paid. Nothing was charged. Please place the order again.`,
        "back-to-shop",
      );
    case "canceled-by-shop":
      return words(
        "The shop has canceled this order",
        `${shopName} canceled order ${number}, so it can no longer be paid. Nothing was charged.`,
        "back-to-shop",
        true,
      );
  }
}
