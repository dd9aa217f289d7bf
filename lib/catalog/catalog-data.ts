import type { CatalogProduct } from "./product-schema.ts";

// The demo catalog the seed creates: a small Swedish home-goods shop. Prices in öre, VAT in basis points
// (25 % for goods, 12 % for food in Sweden).
export const CATALOG: readonly CatalogProduct[] = [
  {
    sku: "DALA-HORSE-RED",
    name: "Dala horse, hand-painted",
    description:
      "Carved from pine in Nusnäs and painted by hand in the classic red with kurbits flowers. 13 cm tall; no two are quite alike.",
    imagePath: "/products/dala-horse.svg",
    priceMinor: 34900,
    currency: "SEK",
    taxRateBps: 2500,
    stock: 24,
  },
  {
    sku: "LINGON-JAM-400",
    name: "Lingonberry jam, 400 g",
    description:
      "Wild lingonberries from Norrland, stirred cold with a little sugar so they keep their tartness. For meatballs, pancakes and porridge.",
    imagePath: "/products/lingonberry-jam.svg",
    priceMinor: 6900,
    currency: "SEK",
    taxRateBps: 1200,
    stock: 120,
  },
  {
    sku: "WOOL-SOCKS-GREY",
    name: "Wool socks, grey marl",
    description:
      "Thick ribbed socks knitted from Swedish lambswool with a reinforced heel. Size 40-44. Warm even when damp.",
    imagePath: "/products/wool-socks.svg",
    priceMinor: 19900,
    currency: "SEK",
    taxRateBps: 2500,
    stock: 60,
  },
  {
    sku: "BIRCH-BOARD-L",
    name: "Birch cutting board, large",
    description:
      "Solid Småland birch, oiled with linseed oil, with a hanging handle. 45 × 28 cm, 2 cm thick. Kind to knife edges.",
    imagePath: "/products/birch-board.svg",
    priceMinor: 44900,
    currency: "SEK",
    taxRateBps: 2500,
    stock: 15,
  },
  {
    sku: "MUG-FJORD-35",
    name: "Stoneware mug, fjord blue",
    description:
      "Thrown stoneware with a deep blue glaze that pools at the rim. Holds 35 cl; dishwasher and microwave safe.",
    imagePath: "/products/stoneware-mug.svg",
    priceMinor: 22900,
    currency: "SEK",
    taxRateBps: 2500,
    stock: 40,
  },
  {
    sku: "CANDLE-PINE",
    name: "Pine forest scented candle",
    description:
      "Rapeseed wax with notes of pine needles, moss and a little smoke. Burns for about 45 hours in a reusable glass.",
    imagePath: "/products/pine-candle.svg",
    priceMinor: 18900,
    currency: "SEK",
    taxRateBps: 2500,
    stock: 35,
  },
  {
    sku: "LINEN-TOWEL-RED",
    name: "Linen tea towel, striped",
    description:
      "Half-linen from a weaving mill in Västergötland, with red selvedge stripes and a hanging loop. 50 × 70 cm.",
    imagePath: "/products/linen-towel.svg",
    priceMinor: 14900,
    currency: "SEK",
    taxRateBps: 2500,
    stock: 80,
  },
  {
    sku: "KOKKAFFE-500",
    name: "Kokkaffe, medium roast, 500 g",
    description:
      "Coarse-ground coffee for boiling the old way, over the fire or on the stove. Roasted in Gävle; notes of nuts and dark bread.",
    imagePath: "/products/kokkaffe.svg",
    priceMinor: 11900,
    currency: "SEK",
    taxRateBps: 1200,
    stock: 90,
  },
  {
    sku: "MERINO-THROW",
    name: "Merino throw blanket",
    description:
      "Woven merino wool in oat and walnut brown, with fringed ends. 130 × 170 cm; large enough for two on the sofa.",
    imagePath: "/products/merino-throw.svg",
    priceMinor: 129500,
    currency: "SEK",
    taxRateBps: 2500,
    stock: 8,
  },
  {
    sku: "ENAMEL-KETTLE",
    name: "Enamel kettle, 1.5 l",
    description:
      "Cream enamel on steel with a black rim and a blue band, for gas, electric and induction hobs. Whistles when it boils.",
    imagePath: "/products/enamel-kettle.svg",
    priceMinor: 59500,
    currency: "SEK",
    taxRateBps: 2500,
    stock: 12,
  },
];
