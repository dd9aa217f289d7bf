// The smallest layout Next.js accepts: the page's html and body, nothing else.
export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
