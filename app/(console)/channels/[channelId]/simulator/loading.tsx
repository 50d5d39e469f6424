import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function SimulatorLoading() {
  return <PageSkeleton cards={[3, 4]} />;
}
