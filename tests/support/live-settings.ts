// A complete, valid set of live-mode settings for tests that check what live mode switches off.
export const LIVE_SETTINGS = {
  SEQR_MODE: "live",
  PUBLIC_BASE_URL: "https://shop.example",
  SEQR_SOAP_URL: "https://seqr.example/soap/merchant/cashregister-2",
  SEQR_TERMINAL_ID: "live_terminal",
  SEQR_TERMINAL_PASSWORD: "live-password",
  SEQR_SERVICE_ID: "LIVESHOP",
  NOTIFICATION_SECRET: "a-live-notification-secret-of-32-chars",
  ADMIN_PASSWORD: "a-live-admin-password",
  SMTP_URL: "smtp://mail.example:587",
  SHOP_ADDRESS: "Shop AB, Storgatan 1, 111 22 Stockholm",
  ADMIN_EMAIL: "owner@shop.example.se",
  SHOP_COMPANY_NAME: "Shop AB",
  SHOP_ORG_NUMBER: "556677-8899",
  SHOP_CONTACT_EMAIL: "hej@shop.example.se",
} as const;
