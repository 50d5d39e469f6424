import { describe, expect, test } from "vitest";
import { getChannelOrThrow } from "@/lib/channels";
import { db } from "@/lib/db";
import { listProviders } from "@/lib/providers";
import { describeInitialData, prepareDatabase } from "@/lib/startup";
import { authenticate } from "@/lib/users";

describe("first start", () => {
  test("creates an Admin with a generated password, a provider and Demo bot, once", async () => {
    const created = await prepareDatabase();
    expect(created).not.toBeNull();
    const { adminEmail, generatedPassword, demoChannelId, demoChannelSecret } = created!;
    expect(adminEmail).toBe("admin@example.com");
    expect(generatedPassword).toBeTruthy();

    const printed = describeInitialData(created!);
    expect(printed).toContain(generatedPassword!);
    expect(printed).toContain(demoChannelId);
    expect(printed).toContain(demoChannelSecret);

    const user = await authenticate(adminEmail, generatedPassword!);
    expect(user).not.toBeNull();
    const [provider] = await listProviders(user!.id);
    expect(provider.channels).toEqual([{ id: demoChannelId, name: "Demo bot", role: "ADMIN" }]);
    const channel = await getChannelOrThrow(user!.id, demoChannelId);
    expect(channel.channelSecret).toBe(demoChannelSecret);

    // A second start finds the data and prints nothing.
    expect(await prepareDatabase()).toBeNull();
    expect(await db().user.count()).toBe(1);
  });
});
