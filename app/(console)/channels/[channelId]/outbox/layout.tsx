import { tabLayout } from "@/lib/console/request";

/** Only Admins have an Outbox. */
export default tabLayout("seeOutbox");
