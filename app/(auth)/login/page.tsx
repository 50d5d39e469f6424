import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { getSessionUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage() {
  if (await getSessionUser()) redirect("/providers");
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="brand" style={{ marginBottom: 20 }}>
          <span className="brand-mark">LINE</span> Webhook Console
        </div>
        <h1>Sign in</h1>
        <LoginForm />
      </div>
    </main>
  );
}
