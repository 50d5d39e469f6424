import "server-only";
import { z } from "zod";
import { db } from "../db";
import { NotFoundError, parseInput, type ErrorKey } from "../errors";
import { canManageChannel, isRole, type Role } from "./roles";

export type ProviderView = {
  id: string;
  name: string;
  canCreateChannels: boolean;
  channels: { id: string; name: string; role: Role }[];
};

/** Providers the user created or holds a channel role in, each with the channels they belong to. */
export async function listProviders(userId: string): Promise<ProviderView[]> {
  const rows = await db().provider.findMany({
    where: {
      OR: [{ createdById: userId }, { channels: { some: { members: { some: { userId } } } } }],
    },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      name: true,
      createdById: true,
      channels: {
        where: { members: { some: { userId } } },
        orderBy: { createdAt: "asc" },
        select: { id: true, name: true, members: { where: { userId }, select: { role: true } } },
      },
    },
  });
  return rows.map((p) => {
    const channels = p.channels.flatMap((c) => {
      const role = c.members[0]?.role;
      return isRole(role) ? [{ id: c.id, name: c.name, role }] : [];
    });
    return {
      id: p.id,
      name: p.name,
      // An Admin of any of its channels may add channels to the provider, as its creator may.
      canCreateChannels: p.createdById === userId || channels.some((c) => canManageChannel(c.role)),
      channels,
    };
  });
}

/** One provider as the user sees it, or a NotFoundError. */
export async function getProviderOrThrow(userId: string, providerId: string): Promise<ProviderView> {
  const provider = (await listProviders(userId)).find((p) => p.id === providerId);
  if (!provider) throw new NotFoundError({ key: "providerNotFound" });
  return provider;
}

const providerName = z
  .string()
  .trim()
  .min(1, "enterProviderName" satisfies ErrorKey)
  .max(100, "providerNameTooLong" satisfies ErrorKey);

/** Creates a provider owned by the user. */
export async function createProvider(userId: string, name: string): Promise<{ id: string }> {
  return db().provider.create({ data: { name: parseInput(providerName, name), createdById: userId }, select: { id: true } });
}
