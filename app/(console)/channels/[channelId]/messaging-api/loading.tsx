import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function MessagingApiLoading() {
  return <PageSkeleton cards={[1, 4, 2, 2]} />;
}
