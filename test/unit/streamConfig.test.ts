import { loadConfig } from '../../core/config';

describe('stream settings', () => {
  test('defaults: streaming on, 30 s keep-alive, 256 KB window per web chat stream, 20,000 streams, 4 MB per console socket', () => {
    expect(loadConfig({}).streams).toEqual({
      webChat: true,
      webChatKeepAliveSeconds: 30,
      webChatMaxBufferedBytes: 262_144,
      webChatMaxConnections: 20_000,
      consoleMaxBufferedBytes: 4_194_304,
    });
  });

  test('set from the environment; bad values are listed together', () => {
    expect(
      loadConfig({
        WEBCHAT_STREAM: 'false',
        WEBCHAT_STREAM_KEEPALIVE_SECONDS: '5',
        WEBCHAT_STREAM_MAX_BUFFER_BYTES: '65536',
        WEBCHAT_STREAM_MAX_CONNECTIONS: '0',
        CONSOLE_SOCKET_MAX_BUFFER_BYTES: '1048576',
      }).streams,
    ).toEqual({
      webChat: false,
      webChatKeepAliveSeconds: 5,
      webChatMaxBufferedBytes: 65_536,
      webChatMaxConnections: 0,
      consoleMaxBufferedBytes: 1_048_576,
    });
    let details: string[] = [];
    try {
      loadConfig({
        WEBCHAT_STREAM: 'maybe',
        WEBCHAT_STREAM_KEEPALIVE_SECONDS: '0',
        WEBCHAT_STREAM_MAX_BUFFER_BYTES: '10',
        CONSOLE_SOCKET_MAX_BUFFER_BYTES: 'lots',
      });
    } catch (err) {
      details = (err as { details: string[] }).details;
    }
    expect(details.map((d) => d.split(':')[0]).sort()).toEqual([
      'CONSOLE_SOCKET_MAX_BUFFER_BYTES',
      'WEBCHAT_STREAM',
      'WEBCHAT_STREAM_KEEPALIVE_SECONDS',
      'WEBCHAT_STREAM_MAX_BUFFER_BYTES',
    ]);
  });
});
