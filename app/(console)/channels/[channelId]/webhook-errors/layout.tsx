import { tabLayout } from "@/lib/console/request";

/** Testers have no Webhook errors tab. */
export default tabLayout("read");
