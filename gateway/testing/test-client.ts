/**
 * The gateway for tests and test processes: a started simulator that knows the test kiosk, and
 * client options for that kiosk (the default scenario's hospital, one shared secret).
 */
import type { Clock } from '../../core/domain.ts';
import type { GatewayClientOptions } from '../client.ts';
import { loadScenario, type Scenario } from '../simulator/scenario.ts';
import { GatewaySimulator, type GatewaySimulatorOptions } from '../simulator/server.ts';

const hospital = loadScenario().hospital;
const TEST_PAASID = 'kiosk';
const TEST_SECRET = 'test-secret';

/**
 * A gateway simulator on a free loopback port, serving the test kiosk of testClientOptions;
 * `extra`: its control token, for a test of the /control/ routes.
 */
export async function startTestGateway(
  databaseFile: string,
  clock: Clock,
  scenario: Scenario = loadScenario(),
  extra: Pick<GatewaySimulatorOptions, 'controlToken'> = {},
): Promise<GatewaySimulator> {
  const sim = new GatewaySimulator({
    scenario,
    databaseFile,
    clients: { [TEST_PAASID]: TEST_SECRET },
    clock,
    ...extra,
  });
  await sim.start(0);
  return sim;
}

export function testClientOptions(
  baseUrl: string,
  clock: Clock,
  overrides: Partial<GatewayClientOptions> = {},
): GatewayClientOptions {
  return {
    baseUrl,
    paasid: TEST_PAASID,
    secret: TEST_SECRET,
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
