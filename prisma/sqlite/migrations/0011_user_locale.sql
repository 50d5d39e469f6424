-- The console's language a user chose on their Account page; null follows their browser.
ALTER TABLE "User" ADD COLUMN "locale" TEXT;
