import type { Metadata } from "next";

import { SHOP_NAME } from "@/lib/shop/brand";

import "./admin.css";
import "./people.css";

export const metadata: Metadata = {
  title: { default: `Admin · ${SHOP_NAME}`, template: `%s · Admin · ${SHOP_NAME}` },
  robots: { index: false, follow: false },
};

export default function AdminLayout({ children }: { children: React.ReactNode }) {
  return <div className="admin">{children}</div>;
}
