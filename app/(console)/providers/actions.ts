"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/action-result";
import { createChannel } from "@/lib/console/channels";
import { createProvider } from "@/lib/console/providers";
import { requireUser } from "@/lib/auth/session";

export async function createProviderAction(name: string) {
  const user = await requireUser();
  const result = await runAction(() => createProvider(user.id, name));
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

export async function createChannelAction(
  providerId: string,
  input: { name: string; description: string; email: string },
) {
  const user = await requireUser();
  const result = await runAction(() => createChannel(user.id, providerId, input));
  if (result.ok) revalidatePath("/", "layout");
  return result;
}
