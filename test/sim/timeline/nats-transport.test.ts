/** The NATS JetStream transport against Debian's nats-server (JetStream on) on a free loopback port. */
import { describeBrokerTimeline } from '../helpers/timeline-cases';
import { startNats } from '../helpers/brokers';

describeBrokerTimeline('nats', startNats);
