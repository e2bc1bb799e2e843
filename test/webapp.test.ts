/**
 * local/webapp.ts: the doGet/doPost event and the answer, as Google's /exec gives them
 * (apps-script-facts.md §1; dumps from tanaikech/taking-advantage-of-Web-Apps-with-google-apps-script).
 * Uses a fake app handle, so it needs neither the build nor the local runtime.
 */
import type { AppHandle } from '../local/load-app';
import { buildEvent, invokeWebApp, type HttpRequest } from '../local/webapp';

type Fn = (...args: any[]) => unknown;

function fakeApp(functions: Record<string, Fn>): AppHandle & { kinds: string[] } {
  const kinds: string[] = [];
  return {
    context: { ...functions },
    kinds,
    call<T>(kind: string, name: string, ...args: unknown[]): T {
      kinds.push(kind);
      return functions[name](...args) as T;
    },
  } as AppHandle & { kinds: string[] };
}

function textOutput(content: string, mime = 'JSON') {
  return { getContent: () => content, getMimeType: () => mime };
}

/** Every key anywhere in a value, recursively. */
function allKeys(value: unknown, acc: string[] = []): string[] {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      acc.push(k);
      allKeys(v, acc);
    }
  }
  return acc;
}

describe('buildEvent', () => {
  test('GET: the fields of a real dump, no postData', () => {
    const e = buildEvent({ method: 'GET', url: '/exec?key1=value1&key2=value2&key3=value3' }) as any;
    expect(e).toEqual({
      queryString: 'key1=value1&key2=value2&key3=value3',
      parameter: { key1: 'value1', key2: 'value2', key3: 'value3' },
      parameters: { key1: ['value1'], key2: ['value2'], key3: ['value3'] },
      contextPath: '',
      contentLength: -1,
    });
    expect('postData' in e).toBe(false);
    expect('pathInfo' in e).toBe(false);
  });

  test('GET without a query string: queryString "" and empty parameters, as the dumps show', () => {
    const e = buildEvent({ method: 'GET', url: '/exec' }) as any;
    expect(e.queryString).toBe('');
    expect(e.parameter).toEqual({});
    expect(e.parameters).toEqual({});
    expect(e.contentLength).toBe(-1);
  });

  test('repeated query keys: parameter has the first value, parameters all of them', () => {
    const e = buildEvent({ method: 'GET', url: '/exec?tag=a&tag=b&x=1&tag=c' }) as any;
    expect(e.parameter).toEqual({ tag: 'a', x: '1' });
    expect(e.parameters).toEqual({ tag: ['a', 'b', 'c'], x: ['1'] });
  });

  test('query values are decoded, queryString stays raw', () => {
    const e = buildEvent({ method: 'GET', url: '/exec?name=J%C3%BCrgen+M&empty=&flag' }) as any;
    expect(e.queryString).toBe('name=J%C3%BCrgen+M&empty=&flag');
    expect(e.parameter).toEqual({ name: 'Jürgen M', empty: '', flag: '' });
  });

  test('POST with a form body: postData plus the body merged into parameter/parameters', () => {
    const e = buildEvent({
      method: 'POST',
      url: '/exec?key3=value3',
      contentType: 'application/x-www-form-urlencoded',
      body: 'key1=value1&key2=value2',
    }) as any;
    expect(e).toEqual({
      queryString: 'key3=value3',
      parameter: { key1: 'value1', key2: 'value2', key3: 'value3' },
      parameters: { key1: ['value1'], key2: ['value2'], key3: ['value3'] },
      contextPath: '',
      contentLength: 23,
      postData: { contents: 'key1=value1&key2=value2', length: 23, name: 'postData', type: 'application/x-www-form-urlencoded' },
    });
  });

  test('a key in both query and form body: query value first', () => {
    const e = buildEvent({
      method: 'POST',
      url: '/exec?k=fromQuery',
      contentType: 'application/x-www-form-urlencoded; charset=UTF-8',
      body: 'k=fromBody',
    }) as any;
    expect(e.parameter.k).toBe('fromQuery');
    expect(e.parameters.k).toEqual(['fromQuery', 'fromBody']);
  });

  test('POST JSON with application/json: contents is the raw string, not merged into parameters', () => {
    const body = '{"key1": "value1", "key2": "value2"}';
    const e = buildEvent({ method: 'POST', url: '/exec?key3=value3', contentType: 'application/json', body }) as any;
    expect(e.parameter).toEqual({ key3: 'value3' });
    expect(e.parameters).toEqual({ key3: ['value3'] });
    expect(e.postData).toEqual({ contents: body, length: 36, name: 'postData', type: 'application/json' });
    expect(e.contentLength).toBe(36);
  });

  test('POST JSON sent with the form content type becomes a parameter key with value ""', () => {
    const body = '{"key1": "value1", "key2": "value2"}';
    const e = buildEvent({
      method: 'POST',
      url: '/exec?key3=value3',
      contentType: 'application/x-www-form-urlencoded',
      body,
    }) as any;
    expect(e.parameter).toEqual({ key3: 'value3', [body]: '' });
    expect(e.parameters).toEqual({ key3: ['value3'], [body]: [''] });
    expect(e.postData.contents).toBe(body);
  });

  test('postData.type is the MIME type; length and contentLength count UTF-8 bytes', () => {
    const body = '{"name":"Zoë 🚀"}';
    const e = buildEvent({ method: 'POST', url: '/exec', contentType: 'application/json; charset=utf-8', body }) as any;
    expect(e.postData.type).toBe('application/json');
    expect(e.postData.length).toBe(Buffer.byteLength(body, 'utf8'));
    expect(e.contentLength).toBe(e.postData.length);
    expect(e.postData.contents).toBe(body);
  });

  test('pathInfo only when a path follows /exec', () => {
    expect((buildEvent({ method: 'GET', url: '/exec/fileName.txt?a=1' }) as any).pathInfo).toBe('fileName.txt');
  });

  test('no header field anywhere in the event', () => {
    const requests: HttpRequest[] = [
      { method: 'GET', url: '/exec?token=t' },
      { method: 'POST', url: '/exec?token=t', contentType: 'application/json', body: '{"headers":1}' },
      { method: 'POST', url: '/exec', contentType: 'application/x-www-form-urlencoded', body: 'a=b' },
    ];
    for (const req of requests) {
      const e = buildEvent(req);
      const keys = allKeys({ ...e, parameter: {}, parameters: {} }); // parameter names come from the sender
      expect(keys.filter((k) => /header/i.test(k))).toEqual([]);
      expect(Object.keys(e).sort()).toEqual(
        req.method === 'POST'
          ? ['contentLength', 'contextPath', 'parameter', 'parameters', 'postData', 'queryString']
          : ['contentLength', 'contextPath', 'parameter', 'parameters', 'queryString'],
      );
    }
  });
});

describe('invokeWebApp', () => {
  test('GET runs doGet in a webapp execution and answers its TextOutput', () => {
    const app = fakeApp({ doGet: (e: any) => textOutput(JSON.stringify({ ok: true, q: e.parameter.q })) });
    const res = invokeWebApp(app, { method: 'GET', url: '/exec?q=1' });
    expect(res).toEqual({ status: 200, contentType: 'application/json; charset=utf-8', body: '{"ok":true,"q":"1"}' });
    expect(app.kinds).toEqual(['webapp']);
  });

  test('POST runs doPost with the event', () => {
    let seen: any;
    const app = fakeApp({
      doGet: () => textOutput('get'),
      doPost: (e: any) => {
        seen = e;
        return textOutput('posted', 'TEXT');
      },
    });
    const res = invokeWebApp(app, { method: 'POST', url: '/exec?token=x', contentType: 'application/json', body: '{"a":1}' });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe('posted');
    expect(seen.postData.contents).toBe('{"a":1}');
    expect(seen.parameter.token).toBe('x');
  });

  test("a throw answers 200 with Google's HTML error page carrying the (escaped) message", () => {
    const app = fakeApp({
      doPost: () => {
        throw new TypeError("Cannot read properties of undefined (reading '<length>')");
      },
    });
    const res = invokeWebApp(app, { method: 'POST', url: '/exec', contentType: 'application/json', body: '{}' });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('text/html; charset=utf-8');
    expect(res.body).toMatch(/^<!DOCTYPE html>/);
    expect(res.body).toContain('<title>Error</title>');
    expect(res.body).toContain('TypeError: Cannot read properties of undefined (reading &#39;&lt;length&gt;&#39;)');
    expect(res.body).not.toContain('<length>');
  });

  test('a thrown non-Error value still gives the error page', () => {
    const app = fakeApp({
      doGet: () => {
        throw 'plain string';
      },
    });
    const res = invokeWebApp(app, { method: 'GET', url: '/exec' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('plain string');
  });

  test('no return value: "The script completed but did not return anything."', () => {
    const app = fakeApp({ doPost: () => undefined });
    const res = invokeWebApp(app, { method: 'POST', url: '/exec', contentType: 'text/plain', body: 'x' });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('The script completed but did not return anything.');
  });

  test('a missing doPost gives Google\'s "Script function not found" page', () => {
    const app = fakeApp({ doGet: () => textOutput('x') });
    const res = invokeWebApp(app, { method: 'POST', url: '/exec', body: '' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('Script function not found: doPost');
  });

  test('an HtmlOutput (no getMimeType) is served as HTML', () => {
    const app = fakeApp({ doGet: () => ({ getContent: () => '<p>hi</p>' }) });
    const res = invokeWebApp(app, { method: 'GET', url: '/exec' });
    expect(res).toEqual({ status: 200, contentType: 'text/html; charset=utf-8', body: '<p>hi</p>' });
  });
});
