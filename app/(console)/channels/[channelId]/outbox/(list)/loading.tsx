import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function OutboxLoading() {
  return <PageSkeleton cards={[4]} />;
}
