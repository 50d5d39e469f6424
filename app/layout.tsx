import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "LINE Webhook Console", template: "%s · LINE Webhook Console" },
  description: "Send LINE-format webhooks to your bot server and see exactly how it fails.",
  icons: { icon: [{ url: "/favicon.svg", type: "image/svg+xml" }, { url: "/favicon.ico", sizes: "32x32" }] },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
