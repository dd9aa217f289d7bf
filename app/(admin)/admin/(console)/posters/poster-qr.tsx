"use client";

import { QRCodeSVG } from "qrcode.react";

export function PosterQr({ text }: { text: string }) {
  return <QRCodeSVG value={text} size={220} marginSize={2} level="M" title={text} data-testid="poster-qr" />;
}
