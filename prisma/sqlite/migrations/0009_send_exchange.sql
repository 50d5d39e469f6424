-- A send's page shows the request's headers as sent, the response's, its size and where it went.
ALTER TABLE "DeliveryAttempt" ADD COLUMN "requestHeaders" TEXT;
ALTER TABLE "DeliveryAttempt" ADD COLUMN "responseHeaders" TEXT;
ALTER TABLE "DeliveryAttempt" ADD COLUMN "responseBytes" INTEGER;
ALTER TABLE "DeliveryAttempt" ADD COLUMN "remoteAddress" TEXT;
