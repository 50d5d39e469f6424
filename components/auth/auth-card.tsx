/** The card the pages before sign-in are drawn in: sign in, an invitation, a reset link. */
export function AuthCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-card stack">
        <div className="brand">
          <span className="brand-mark">LINE</span> Webhook Console
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
