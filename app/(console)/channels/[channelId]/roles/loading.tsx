import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function RolesLoading() {
  return <PageSkeleton cards={[4]} />;
}
