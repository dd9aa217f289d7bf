import { db } from "@/lib/db";

/** A product no other test touches, whose stock (from 0) counts a test's committed writes. */
export function createCounterProduct(sku: string) {
  return db.product.create({
    data: {
      sku,
      name: "Counter",
      description: "Counts committed writes",
      imagePath: "/products/dala-horse.svg",
      priceMinor: 100,
      currency: "SEK",
      taxRateBps: 2500,
      stock: 0,
    },
  });
}
