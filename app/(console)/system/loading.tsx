import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function SystemLoading() {
  return <PageSkeleton hasHeading cards={[4, 3, 2]} />;
}
