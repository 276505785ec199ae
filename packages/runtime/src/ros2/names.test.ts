import test from 'ava';
import { DEFAULT_ROS_NAMESPACE, framesTopic, keyTopicCollisions, keyTopicToken, localAgreedTopic, normaliseNamespace, sharedAgreedTopic, topicNameProblem, writeTopic } from './names.js';
import { testCluster } from './_cluster.test.js';

test('the documented names under the default namespace', (t) => {
  t.is(DEFAULT_ROS_NAMESPACE, '/kvs');
  t.is(framesTopic('/kvs', 2), '/kvs/replica_2/frames');
  t.is(writeTopic('/kvs'), '/kvs/write');
  t.is(sharedAgreedTopic('/kvs', 'speed'), '/kvs/agreed/speed');
  t.is(localAgreedTopic('speed'), '~/agreed/speed');
  t.is(framesTopic('/', 0), '/replica_0/frames', 'root namespace');
  t.is(framesTopic('/car/kvs/', 1), '/car/kvs/replica_1/frames');
  t.is(normaliseNamespace(''), '/');
  t.is(normaliseNamespace('kvs'), '/kvs');
});

test('keys that are valid ROS names are used as they are, others are sanitised and hashed', (t) => {
  t.is(keyTopicToken('speed'), 'speed');
  t.is(keyTopicToken('vehicle/speed'), 'vehicle/speed');
  const dotted = keyTopicToken('wheel.speed-left');
  t.regex(dotted, /^wheel_speed_left_[0-9a-f]{8}$/);
  t.not(keyTopicToken('wheel.speed-left'), keyTopicToken('wheel-speed.left'), 'different keys, different topics');
  t.regex(keyTopicToken('1st'), /^k1st_[0-9a-f]{8}$/);
  t.regex(keyTopicToken('a__b'), /^a_b_[0-9a-f]{8}$/);
  t.regex(keyTopicToken('/lead'), /^lead_[0-9a-f]{8}$/);
  for (const key of ['speed', 'vehicle/speed', 'wheel.speed-left', '1st', 'a__b', '/lead', 'x//y', '-', '.', 'a/']) {
    t.is(topicNameProblem(`/kvs/agreed/${keyTopicToken(key)}`), undefined, `the topic of key '${key}' is valid`);
  }
  t.deepEqual(keyTopicCollisions(testCluster().keys.keys()), []);
  t.is(keyTopicCollisions(['a.b', keyTopicToken('a.b')]).length, 1, 'a collision is reported');
});

test('topic name validation', (t) => {
  for (const ok of ['/wheel_speed/left', 'wheel_speed', '~/cmd', '/a/b_c/d1']) t.is(topicNameProblem(ok), undefined, ok);
  t.regex(topicNameProblem('') ?? '', /empty/);
  t.regex(topicNameProblem('/') ?? '', /names no topic/);
  t.regex(topicNameProblem('/a/') ?? '', /must not end with '\/'/);
  t.regex(topicNameProblem('/a//b') ?? '', /contains '\/\/'/);
  t.regex(topicNameProblem('/1a') ?? '', /not a valid name token/);
  t.regex(topicNameProblem('/a__b') ?? '', /not a valid name token/);
  t.regex(topicNameProblem('/a-b') ?? '', /not a valid name token/);
  t.regex(topicNameProblem('/a/{node}') ?? '', /not a valid name token/);
  t.regex(topicNameProblem('x'.repeat(300)) ?? '', /at most 255/);
});
