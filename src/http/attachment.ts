/** A Content-Disposition for a download: a name safe in a header, with the real name for clients that read RFC 6266's `filename*`. */
export function attachment(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
