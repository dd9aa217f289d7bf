// An empty page: what any Next.js 16 page costs before the shop adds anything (the benchmark's floor).
export default function EmptyPage() {
  return <main>Empty</main>;
}
