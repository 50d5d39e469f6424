-- A send's page shows the request's headers as sent, the response's, its size and where it went;
-- a send edited by hand before it was sent is marked as such.
ALTER TABLE "DeliveryAttempt" ADD COLUMN "requestHeaders" TEXT;
ALTER TABLE "DeliveryAttempt" ADD COLUMN "responseHeaders" TEXT;
ALTER TABLE "DeliveryAttempt" ADD COLUMN "responseBytes" INTEGER;
ALTER TABLE "DeliveryAttempt" ADD COLUMN "remoteAddress" TEXT;
ALTER TABLE "DeliveryAttempt" ADD COLUMN "isEdited" BOOLEAN NOT NULL DEFAULT false;
