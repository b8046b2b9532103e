import { Topics, parseInboundMessage } from '@arbiter/contracts';
import { buildPaymentRecorded } from './payment.builder';
import { toKafkaMessage } from './kafka-message';

describe(toKafkaMessage.name, () => {
  it('addresses an event to its topic under the key <tenantId>:<entityId>', () => {
    const event = buildPaymentRecorded({
      tenantId: 'acme',
      data: { id: 'pay-9' },
    });

    const sut = toKafkaMessage(event);

    expect(sut.topic).toBe(Topics.SourcePayments);
    expect(sut.key).toBe('acme:pay-9');
    expect(parseInboundMessage(sut.topic, sut.value)).toEqual({
      ok: true,
      event,
    });
  });
});
