import { NotFoundMessage } from "@/app/_components/not-found-message";

// An address no route matches: outside every route group's layout, so the page brings its own <main>.
export default function NotFound() {
  return (
    <main className="site-main">
      <NotFoundMessage />
    </main>
  );
}
