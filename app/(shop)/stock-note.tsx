/** "12 in stock", "Only 3 left" or "Sold out": what a shopper needs to know before they decide. */
export function StockNote({ stock }: { stock: number }) {
  if (stock <= 0) return <span className="stock out">Sold out</span>;
  if (stock <= 5) return <span className="stock">Only {stock} left</span>;
  return <span className="stock">{stock} in stock</span>;
}
