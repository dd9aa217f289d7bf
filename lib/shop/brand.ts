// The shop's name and tagline, shown in the header, page titles and (later) SEQR invoice titles.
export const SHOP_NAME = "Fjällbo";
export const SHOP_TAGLINE = "Swedish home goods, paid for with SEQR";
