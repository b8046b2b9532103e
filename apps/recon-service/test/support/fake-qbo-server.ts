import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeQboBooks } from './fake-qbo-books';

/**
 * Serves a FakeQboBooks over HTTP on the paths of the QuickBooks Online API (`/v3/company/{realm}/query`,
 * `/reports/AgedReceivables`), with bearer-token checks and QuickBooks' Fault body for errors, so a recon-service
 * process reads it through the real QboClient. Not a QuickBooks stand-in: only what a run reads.
 */
export async function serveFakeQbo(books: FakeQboBooks, accessToken: string): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', intuit_tid: 'fake-tid' });
      res.end(JSON.stringify(body));
    };
    const fault = (status: number, code: string, message: string) => send(status, { Fault: { Error: [{ Message: message, Detail: message, code }], type: 'ValidationFault' }, time: new Date().toISOString() });
    if (req.headers.authorization !== `Bearer ${accessToken}`) return fault(401, '3200', 'AuthenticationFailed');
    const prefix = `/v3/company/${books.realmId}/`;
    if (!url.pathname.startsWith(prefix)) return fault(404, '610', 'Object Not Found');
    const path = url.pathname.slice(prefix.length);
    void (async () => {
      try {
        if (path === 'query') {
          const statement = url.searchParams.get('query') ?? '';
          return send(200, { ...(await books.runStatement(statement)), time: new Date().toISOString() });
        }
        if (path === 'reports/AgedReceivables') {
          const report = books.agedReceivablesReport({
            reportDate: url.searchParams.get('report_date') ?? '2026-10-31',
            agingPeriod: Number(url.searchParams.get('aging_period') ?? 30),
            numPeriods: Number(url.searchParams.get('num_periods') ?? 4),
          });
          return send(200, report);
        }
        fault(400, '2010', `unsupported ${path}`);
      } catch (error) {
        if (!res.headersSent) fault(400, '4000', error instanceof Error ? error.message : String(error));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
