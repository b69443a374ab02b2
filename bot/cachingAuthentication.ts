import type { Activity } from 'botbuilder';
import {
  BotFrameworkAuthentication,
  ConnectorFactory,
  JwtTokenValidation,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';

/** Distinct (app, serviceUrl, audience) clients kept; channels use a handful of service URLs. */
const MAX_CLIENTS = 500;

class CachingConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly cache: Map<string, Promise<ConnectorClient>>,
    private readonly appId: string,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const key = `${this.appId}|${serviceUrl}|${audience ?? ''}`;
    let client = this.cache.get(key);
    if (!client) {
      client = this.inner.create(serviceUrl, audience);
      client.catch(() => this.cache.delete(key));
      if (this.cache.size >= MAX_CLIENTS) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, client);
    }
    return client;
  }
}

const appIdOf = (identity: ClaimsIdentity) => JwtTokenValidation.getAppIdFromClaims(identity.claims) ?? '';

/**
 * botbuilder's CloudAdapter builds a new ConnectorClient (an Azure HTTP pipeline) and a user token client on
 * every turn, even when the turn never calls out (expectReplies). Those clients hold no per-turn state (their
 * credentials cache and refresh tokens themselves), so we build each once per app, service URL and audience.
 * Authentication itself is untouched: every request is still validated by the wrapped implementation.
 */
export class CachingBotFrameworkAuthentication extends BotFrameworkAuthentication {
  private readonly clients = new Map<string, Promise<ConnectorClient>>();
  private readonly tokenClients = new Map<string, Promise<UserTokenClient>>();

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  private wrap(r: AuthenticateRequestResult): AuthenticateRequestResult {
    return r.connectorFactory ? { ...r, connectorFactory: new CachingConnectorFactory(r.connectorFactory, this.clients, appIdOf(r.claimsIdentity)) } : r;
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.wrap(await this.inner.authenticateRequest(activity, authHeader));
  }

  async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.wrap(await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader));
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new CachingConnectorFactory(this.inner.createConnectorFactory(claimsIdentity), this.clients, appIdOf(claimsIdentity));
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const key = appIdOf(claimsIdentity);
    let client = this.tokenClients.get(key);
    if (!client) {
      client = this.inner.createUserTokenClient(claimsIdentity);
      client.catch(() => this.tokenClients.delete(key));
      this.tokenClients.set(key, client);
    }
    return client;
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }
}
