import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function WebhookErrorsLoading() {
  return <PageSkeleton cards={[3, 6, 5]} />;
}
