import { beforeAll, describe, expect, test } from "vitest";
import { acceptAsSignedIn, acceptById, acceptWithNewAccount, describeInvitation, invitationsFor } from "@/lib/auth/invitations";
import { hashLinkSecret } from "@/lib/auth/link-secrets";
import { authenticate, createUser } from "@/lib/auth/users";
import { createChannel } from "@/lib/console/channels";
import { inviteMember, listInvitations, listMembers, revokeInvitation } from "@/lib/console/members";
import { createProvider } from "@/lib/console/providers";
import { db } from "@/lib/db";
import { accessOf } from "../support/access";

const CHOSEN = "correct horse battery";

let admin: string;
let channelId: string;

beforeAll(async () => {
  admin = (await createUser("inviter@example.com", "inviter-password")).user.id;
  const provider = await createProvider(admin, "Invitations provider");
  channelId = (await createChannel(admin, provider.id, { name: "Invite bot", description: "", email: "" })).id;
});

const invite = async (email: string, role = "MEMBER") => inviteMember(await accessOf(admin, channelId), { email, role });
const secretOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);
const memberEmails = async () => (await listMembers(await accessOf(admin, channelId))).map((m) => m.email);

describe("invitations", () => {
  test("an invitation creates no account and no password; only the link's hash is kept", async () => {
    const { url } = await invite("fresh@example.com");
    expect(url).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(await db().user.findUnique({ where: { email: "fresh@example.com" } })).toBeNull();
    const stored = await db().invitation.findFirstOrThrow({ where: { email: "fresh@example.com" } });
    expect(stored.tokenHash).toBe(hashLinkSecret(secretOf(url)));
    expect(JSON.stringify(stored)).not.toContain(secretOf(url));
  });

  test("inviting an existing account and a new address gives the Admin the same answer and the same email", async () => {
    await createUser("someone@example.com", "someone-password");
    const known = await invite("someone@example.com");
    const unknown = await invite("nobody@example.com");
    const shape = (answer: { email: string; url: string; expiresAt: Date }) => ({
      ...answer,
      email: "<email>",
      url: answer.url.replace(/[A-Za-z0-9_-]{43}$/, "<secret>"),
      expiresAt: typeof answer.expiresAt,
    });
    expect(shape(known)).toEqual(shape(unknown));
    const mails = await db().emailMessage.findMany({ where: { to: { in: ["someone@example.com", "nobody@example.com"] } }, orderBy: { id: "asc" } });
    expect(mails).toHaveLength(2);
    const text = (mail: (typeof mails)[number]) => ({
      subject: mail.subject,
      text: mail.text.replace(/[A-Za-z0-9_-]{43}/, "<secret>").replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/, "<time>"),
    });
    expect(text(mails[0])).toEqual(text(mails[1]));
    expect(mails[0].text).toContain(known.url);
    const pending = await listInvitations(await accessOf(admin, channelId));
    expect(pending.map((p) => p.email).sort()).toEqual(["fresh@example.com", "nobody@example.com", "someone@example.com"]);
  });

  test("the invitee chooses a password that follows the rules; a refused one changes nothing", async () => {
    const { url } = await invite("chooser@example.com", "TESTER");
    const secret = secretOf(url);
    for (const [password, confirmation, message] of [
      ["short-pass", "short-pass", "at least 12 characters"],
      ["chooser@example.com", "chooser@example.com", "not your email address"],
      ["password1234", "password1234", "most common"],
      [CHOSEN, `${CHOSEN}!`, "not the same"],
    ]) {
      await expect(acceptWithNewAccount(secret, { password, confirmation })).rejects.toThrow(message);
    }
    expect(await db().user.findUnique({ where: { email: "chooser@example.com" } })).toBeNull();
    expect(await acceptWithNewAccount(secret, { password: CHOSEN, confirmation: CHOSEN })).toEqual({ email: "chooser@example.com", channelId });
    expect(await authenticate("chooser@example.com", CHOSEN)).toMatchObject({ email: "chooser@example.com" });
    expect((await listMembers(await accessOf(admin, channelId))).find((m) => m.email === "chooser@example.com")?.role).toBe("TESTER");
  });

  test("a link works once, even when two people open it at the same moment", async () => {
    const { url } = await invite("race@example.com");
    const secret = secretOf(url);
    const results = await Promise.allSettled([
      acceptWithNewAccount(secret, { password: CHOSEN, confirmation: CHOSEN }),
      acceptWithNewAccount(secret, { password: `${CHOSEN} two`, confirmation: `${CHOSEN} two` }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db().user.count({ where: { email: "race@example.com" } })).toBe(1);
    await expect(acceptWithNewAccount(secret, { password: CHOSEN, confirmation: CHOSEN })).rejects.toThrow("expired or was already used");
    expect(await describeInvitation(secret)).toBeNull();
  });

  test("an expired, withdrawn or made-up link is refused alike", async () => {
    const expired = await invite("late@example.com");
    await expect(
      acceptWithNewAccount(secretOf(expired.url), { password: CHOSEN, confirmation: CHOSEN }, new Date(expired.expiresAt.getTime() + 1)),
    ).rejects.toThrow("expired or was already used");
    const withdrawn = await invite("withdrawn@example.com");
    const pending = await listInvitations(await accessOf(admin, channelId));
    await revokeInvitation(await accessOf(admin, channelId), pending.find((p) => p.email === "withdrawn@example.com")!.id);
    await expect(acceptWithNewAccount(secretOf(withdrawn.url), { password: CHOSEN, confirmation: CHOSEN })).rejects.toThrow("expired or was already used");
    await expect(acceptWithNewAccount("A".repeat(43), { password: CHOSEN, confirmation: CHOSEN })).rejects.toThrow("expired or was already used");
    await expect(acceptWithNewAccount("../../etc", { password: CHOSEN, confirmation: CHOSEN })).rejects.toThrow("expired or was already used");
    expect(await db().user.count({ where: { email: { in: ["late@example.com", "withdrawn@example.com"] } } })).toBe(0);
    expect(await memberEmails()).not.toContain("late@example.com");
  });

  test("inviting again replaces the earlier link", async () => {
    const first = await invite("twice@example.com");
    const second = await invite("twice@example.com", "ADMIN");
    expect(await describeInvitation(secretOf(first.url))).toBeNull();
    expect(await describeInvitation(secretOf(second.url))).toMatchObject({ email: "twice@example.com", role: "ADMIN", accountExists: false });
  });

  test("an existing account accepts only when signed in as itself, never by choosing a password", async () => {
    const owner = (await createUser("taken@example.com", "taken-password")).user;
    const other = (await createUser("other@example.com", "other-password")).user;
    const { url } = await invite("taken@example.com");
    const secret = secretOf(url);
    expect(await describeInvitation(secret)).toMatchObject({ accountExists: true });
    await expect(acceptWithNewAccount(secret, { password: CHOSEN, confirmation: CHOSEN })).rejects.toThrow("Sign in to accept");
    expect(await authenticate("taken@example.com", CHOSEN)).toBeNull();
    await expect(acceptAsSignedIn(secret, other)).rejects.toThrow("This invitation is for taken@example.com");
    expect(await memberEmails()).not.toContain("other@example.com");
    expect(await acceptAsSignedIn(secret, owner)).toBe(channelId);
    expect(await memberEmails()).toContain("taken@example.com");
  });

  test("the Account page lists a user's invitations and accepts them there", async () => {
    const user = (await createUser("listed@example.com", "listed-password")).user;
    await invite("listed@example.com", "TESTER");
    const waiting = await invitationsFor(user);
    expect(waiting.map((w) => w.channel.id)).toEqual([channelId]);
    const stranger = (await createUser("stranger@example.com", "stranger-password")).user;
    await expect(acceptById(waiting[0].id, stranger)).rejects.toThrow("expired or was already used");
    expect(await acceptById(waiting[0].id, user)).toBe(channelId);
    expect(await invitationsFor(user)).toEqual([]);
  });
});
