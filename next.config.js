/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and database drivers are loaded by Node at run time, not bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
  // The Messaging API answers at /v2/... without trailing-slash redirects.
  skipTrailingSlashRedirect: true,
};

export default nextConfig;
