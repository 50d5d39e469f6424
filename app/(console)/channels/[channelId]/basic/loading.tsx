import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function BasicSettingsLoading() {
  return <PageSkeleton cards={[3, 3, 1]} />;
}
