/** Gateway client options for tests and test processes: the default scenario's hospital, a kiosk id. */
import type { Clock } from '../../core/domain.ts';
import type { GatewayClientOptions } from '../client.ts';
import { loadScenario } from '../simulator/scenario.ts';

const hospital = loadScenario().hospital;

export function testClientOptions(
  baseUrl: string,
  clock: Clock,
  overrides: Partial<GatewayClientOptions> = {},
): GatewayClientOptions {
  return {
    baseUrl,
    paasid: 'kiosk',
    secret: 'test-secret',
    fixmedinsCode: hospital.fixmedins_code,
    fixmedinsName: hospital.fixmedins_name,
    areaCode: hospital.admdvs,
    timeZone: hospital.timezone,
    operatorId: 'KIOSK-01',
    operatorName: 'Lobby kiosk 1',
    clock,
    ...overrides,
  };
}
