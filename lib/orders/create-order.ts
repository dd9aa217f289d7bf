import { db } from "../db.ts";
import { lockRows } from "../db-locks.ts";
import { AppError } from "../errors.ts";
import type { OrderSource, Prisma } from "../generated/prisma/client.ts";
import { newClientInvoiceId } from "./ids.ts";
import { openNeverInvoicedOrder } from "./never-invoiced.ts";
import { nextOrderNumber } from "./order-number.ts";
import { priceLines } from "./pricing.ts";

export type OrderLineRequest = { productId: string; quantity: number };

export type CreatedOrder = { id: string; clientInvoiceId: string; number: number };

/** The cart a checkout places the order from, and how many never-invoiced orders it may have open at once. */
export type PlacingCart = { id: string; maxOpenOrders: number };

/**
 * Creates a PENDING order from product ids and quantities. Names, prices and VAT are copied from the database
 * now (the browser sends no amounts), totals are computed here, and stock is checked: an order for more than
 * is in stock is refused. Stock is taken when the order is paid (lib/orders/fulfil-order.ts), not now.
 *
 * `extra` lets a caller create rows that must exist together with the order (the SEQR session of a product QR
 * purchase) in the same statement.
 *
 * `cart`: the order records the cart that placed it (Order.cartId), and is refused when that cart would then have
 * more than `maxOpenOrders` open orders nobody has invoiced (lib/orders/never-invoiced.ts).
 */
export async function createOrder(
  request: { lines: readonly OrderLineRequest[]; source: OrderSource; trigger: string; cart?: PlacingCart },
  extra: Pick<Prisma.OrderCreateInput, "sessions" | "customerMsisdn" | "customerSubscriberKey"> = {},
): Promise<CreatedOrder> {
  if (request.lines.length === 0) throw new AppError("EMPTY_ORDER", 400, "There is nothing to order.");
  const quantities = new Map<string, number>();
  for (const line of request.lines) quantities.set(line.productId, (quantities.get(line.productId) ?? 0) + line.quantity);

  const products = await db.product.findMany({ where: { id: { in: [...quantities.keys()] }, active: true } });
  const currencies = new Set(products.map((product) => product.currency));
  if (products.length !== quantities.size) {
    throw new AppError("PRODUCT_UNAVAILABLE", 409, "A product in your order is no longer sold. Please review your cart.");
  }
  if (currencies.size !== 1) throw new AppError("MIXED_CURRENCIES", 409, "Products priced in different currencies cannot share an order.");
  for (const product of products) {
    const quantity = quantities.get(product.id) ?? 0;
    if (quantity > product.stock) {
      throw new AppError(
        "OUT_OF_STOCK",
        409,
        product.stock === 0
          ? `${product.name} is out of stock.`
          : `Only ${product.stock} of ${product.name} ${product.stock === 1 ? "is" : "are"} left.`,
      );
    }
  }

  const byId = new Map(products.map((product) => [product.id, product]));
  const ordered = [...quantities.keys()].flatMap((id) => byId.get(id) ?? []);
  const priced = priceLines(
    ordered.map((product) => ({
      productId: product.id,
      sku: product.sku,
      name: product.name,
      unitPriceMinor: product.priceMinor,
      quantity: quantities.get(product.id) ?? 0,
      taxRateBps: product.taxRateBps,
    })),
  );
  const clientInvoiceId = newClientInvoiceId();
  const select = { id: true, clientInvoiceId: true, number: true } as const;
  const data = {
    clientInvoiceId,
    cartId: request.cart?.id ?? null,
    status: "PENDING",
    source: request.source,
    currency: products[0]?.currency ?? "SEK",
    totalMinor: priced.totalMinor,
    taxMinor: priced.taxMinor,
    ...extra,
    items: {
      create: priced.lines.map((line) => ({
        productId: line.productId,
        sku: line.sku,
        name: line.name,
        unitPriceMinor: line.unitPriceMinor,
        quantity: line.quantity,
        taxRateBps: line.taxRateBps,
        lineTotalMinor: line.lineTotalMinor,
      })),
    },
    events: {
      create: {
        type: "ORDER_CREATED",
        source: request.trigger,
        toStatus: "PENDING",
        detail: { totalMinor: priced.totalMinor, currency: products[0]?.currency ?? "SEK", lines: priced.lines.length },
      },
    },
  } satisfies Omit<Prisma.OrderCreateInput, "number">;

  const cart = request.cart;
  if (!cart) {
    return db.$transaction(async (tx) => tx.order.create({ select, data: { ...data, number: await nextOrderNumber(tx) } }));
  }
  // The cart's lock orders its checkouts: each counts the cart's open orders only once the one before it has
  // committed its order, so two checkouts at the same moment cannot both see room for one more (on PostgreSQL they
  // would, each blind to the other's uncommitted row). A refusal rolls the order back.
  return db.$transaction(async (tx) => {
    // A cart deleted meanwhile (an idle cart swept) has no lines left to order, and no row to lock.
    if ((await lockRows(tx, "Cart", [cart.id])) === 0) {
      throw new AppError("EMPTY_CART", 400, "Your cart is empty. Add a product to it before you check out.");
    }
    const order = await tx.order.create({ select, data: { ...data, number: await nextOrderNumber(tx) } });
    const open = await tx.order.count({ where: { cartId: cart.id, ...openNeverInvoicedOrder } });
    if (open > cart.maxOpenOrders) {
      throw new AppError(
        "TOO_MANY_OPEN_ORDERS",
        409,
        `You already have ${cart.maxOpenOrders} orders waiting for payment. Pay one of them, or wait until they expire, before you place another.`,
      );
    }
    return order;
  });
}
