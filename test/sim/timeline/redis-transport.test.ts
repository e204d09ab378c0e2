/** The Redis Streams transport against Debian's redis-server on a free loopback port. */
import { describeBrokerTimeline } from '../helpers/timeline-cases';
import { startRedis } from '../helpers/brokers';

describeBrokerTimeline('redis', startRedis);
