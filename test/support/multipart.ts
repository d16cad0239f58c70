/** A file part of a multipart body: bytes, the name the client gives, and the type it declares. */
export interface FilePart {
  bytes: Uint8Array;
  fileName: string;
  type?: string;
}

/**
 * A multipart/form-data body built as a browser builds it (FormData, boundary and all): the payload
 * and its Content-Type header, ready for `app.inject` or `fetch`.
 */
export async function multipartBody(fields: Record<string, string>, files: Record<string, FilePart> = {}): Promise<{ payload: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [name, file] of Object.entries(files)) {
    form.append(name, new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.fileName);
  }
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  const contentType = request.headers.get('content-type');
  if (!contentType) throw new Error('FormData gave no content type');
  return { payload: Buffer.from(await request.arrayBuffer()), contentType };
}
