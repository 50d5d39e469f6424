import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function DeliveryLogLoading() {
  return <PageSkeleton cards={[6]} />;
}
