import { tabLayout } from "@/lib/console/request";

/** Testers have no Delivery log. */
export default tabLayout("read");
