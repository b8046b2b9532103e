/*
 * Arbiter's local Kafka-protocol broker: librdkafka's mock cluster behind a tiny
 * line protocol. Used by libs/dev-infra when no DATABASE_URL/KAFKA_BROKERS are
 * given and no Docker engine answers.
 *
 *   mockkafka [-b brokers] [-t topic:partitions[:replication]]...
 *
 * Prints "BOOTSTRAP=host:port,..." once the cluster listens, then reads commands
 * on stdin, one per line, answering "OK <cmd>" or "ERR <cmd> <reason>":
 *   topic <name> <partitions> [replication]   create a topic (the mock has no CreateTopics API)
 *   down <brokerId> / up <brokerId>           take a broker off the network and back
 *   err <apiKey> <errorCode> <count>          fail the next <count> requests of <apiKey>
 *   clear <apiKey>                            drop queued errors for <apiKey>
 *   rtt <brokerId> <ms>                       add round-trip latency to a broker
 *   quit
 * It exits when stdin closes or its parent dies, so it never outlives the launcher.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested = 0;
static void on_signal(int sig) { (void)sig; stop_requested = 1; }

static int create_topic(rd_kafka_mock_cluster_t *mc, const char *name, int parts, int rf) {
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, name, parts, rf);
  if (err) {
    fprintf(stderr, "mockkafka: topic %s: %s\n", name, rd_kafka_err2str(err));
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int brokers = 3;
  int opt;
  char errstr[512];

  prctl(PR_SET_PDEATHSIG, SIGTERM);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* First pass: broker count, needed before the cluster exists. */
  for (int i = 1; i < argc - 1; i++)
    if (strcmp(argv[i], "-b") == 0) brokers = atoi(argv[i + 1]);
  if (brokers < 1 || brokers > 9) { fprintf(stderr, "mockkafka: -b must be 1..9\n"); return 2; }

  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) { fprintf(stderr, "mockkafka: %s\n", errstr); return 1; }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (!mc) { fprintf(stderr, "mockkafka: could not create the mock cluster\n"); return 1; }

  optind = 1;
  while ((opt = getopt(argc, argv, "b:t:")) != -1) {
    if (opt == 't') {
      char name[256]; int parts = 6, rf = brokers < 3 ? brokers : 3;
      char *spec = strdup(optarg), *colon = strchr(spec, ':');
      if (colon) { *colon = '\0'; char *rest = colon + 1; char *c2 = strchr(rest, ':');
        if (c2) { *c2 = '\0'; rf = atoi(c2 + 1); } parts = atoi(rest); }
      snprintf(name, sizeof name, "%s", spec); free(spec);
      if (create_topic(mc, name, parts, rf)) return 1;
    } else if (opt != 'b') {
      fprintf(stderr, "usage: mockkafka [-b brokers] [-t topic:partitions[:rf]]...\n");
      return 2;
    }
  }

  printf("BOOTSTRAP=%s\n", rd_kafka_mock_cluster_bootstraps(mc));

  char line[1024];
  while (!stop_requested && fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = '\0';
    char cmd[32] = {0}, a[256] = {0}; long b = 0, c = 0;
    int n = sscanf(line, "%31s %255s %ld %ld", cmd, a, &b, &c);
    if (n <= 0) continue;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!strcmp(cmd, "quit")) { printf("OK quit\n"); break; }
    else if (!strcmp(cmd, "topic") && n >= 3)
      err = rd_kafka_mock_topic_create(mc, a, (int)b, n >= 4 ? (int)c : (brokers < 3 ? brokers : 3));
    else if (!strcmp(cmd, "down") && n >= 2) err = rd_kafka_mock_broker_set_down(mc, atoi(a));
    else if (!strcmp(cmd, "up") && n >= 2) err = rd_kafka_mock_broker_set_up(mc, atoi(a));
    else if (!strcmp(cmd, "rtt") && n >= 3) err = rd_kafka_mock_broker_set_rtt(mc, atoi(a), (int)b);
    else if (!strcmp(cmd, "clear") && n >= 2) rd_kafka_mock_clear_request_errors(mc, (int16_t)atoi(a));
    else if (!strcmp(cmd, "err") && n >= 4) {
      size_t cnt = (size_t)c; if (cnt > 1000) cnt = 1000;
      rd_kafka_resp_err_t *errs = calloc(cnt ? cnt : 1, sizeof *errs);
      for (size_t i = 0; i < cnt; i++) errs[i] = (rd_kafka_resp_err_t)b;
      rd_kafka_mock_push_request_errors_array(mc, (int16_t)atoi(a), cnt, errs);
      free(errs);
    } else { printf("ERR %s unknown command\n", line); continue; }
    if (err) printf("ERR %s %s\n", line, rd_kafka_err2str(err));
    else printf("OK %s\n", line);
  }

  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
