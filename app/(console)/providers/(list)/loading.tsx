import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function ProvidersLoading() {
  return <PageSkeleton hasHeading cards={[2, 2, 1]} />;
}
