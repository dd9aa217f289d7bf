import { NotFoundMessage } from "@/app/_components/not-found-message";

// An unknown product or order (notFound() in a shop page): shown inside the shop's layout, whose <main> it is already
// in; app/not-found.tsx's own <main> would nest a second one.
export default function ShopNotFound() {
  return <NotFoundMessage />;
}
