import { getRequestConfig } from "next-intl/server";
import { CATALOGUES, TIME_ZONE } from "@/lib/i18n/messages";
import { requestLocale } from "@/lib/i18n/request-locale";

export default getRequestConfig(async () => {
  const locale = await requestLocale();
  return { locale, messages: CATALOGUES[locale], timeZone: TIME_ZONE };
});
