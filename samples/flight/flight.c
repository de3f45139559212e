/* flight: a small program that behaves like a multicopter's flight controller on Linux, as a
 * workload whose kernel trace is recorded (scripts/record.sh). Its threads and their
 * priorities follow the QNX flight stacks the method was first tried on:
 *
 *   imu        SCHED_FIFO 50  timerfd at --rate Hz (400); reads a sample from the sensor (a
 *                             file, read in a circle) and writes it into the control pipe
 *   attitude   SCHED_FIFO 45  woken by the control pipe; a few hundred flops of attitude
 *                             control; writes the four motor commands into the motor pipe
 *   motor      SCHED_FIFO 40  woken by the motor pipe; writes the outputs to the PWM device
 *                             (/dev/null); updates the shared state under a mutex
 *   telemetry  SCHED_FIFO 20  timerfd at 50 Hz; copies the state under the mutex and sends it
 *                             by UDP to the ground station on localhost
 *   ground     SCHED_OTHER    receives the telemetry (the ground station)
 *
 * Without the right to SCHED_FIFO (not root) it runs all the same and says so. It stops after
 * --seconds, or on SIGINT/SIGTERM, joining every thread; exit 0, 2 on a setup error. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define SAMPLE_BYTES 24 /* three gyro and three accelerometer int32s */
#define TELEMETRY_HZ 50

typedef struct Sample {
    int32_t gyro[3], accel[3];
} Sample;

typedef struct Flight {
    int rate_hz;
    double seconds;
    const char *sensor_path;
    int sensor_fd, pwm_fd;
    int control_pipe[2], motor_pipe[2];
    int udp_out, udp_in;
    struct sockaddr_in ground;
    pthread_mutex_t state_lock;
    float attitude[3], motors[4];
    uint64_t cycles;
    atomic_bool stop;
} Flight;

static atomic_bool interrupted;

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&interrupted, true);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool stopping(Flight *f) { return atomic_load(&f->stop) || atomic_load(&interrupted); }

/* A periodic timerfd; reads of it block until the next period, so a thread sees a stop request
 * within one period. */
static int periodic_timer(int hz)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    if (fd < 0)
        return -1;
    long period_ns = 1000000000L / hz;
    struct itimerspec its = {.it_interval = {period_ns / 1000000000L, period_ns % 1000000000L},
                             .it_value = {period_ns / 1000000000L, period_ns % 1000000000L}};
    if (timerfd_settime(fd, 0, &its, NULL) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool wait_period(int timer_fd)
{
    uint64_t expirations;
    return read(timer_fd, &expirations, sizeof expirations) == (ssize_t)sizeof expirations;
}

static void *imu_thread(void *arg)
{
    Flight *f = arg;
    int timer = periodic_timer(f->rate_hz);
    off_t offset = 0, size = lseek(f->sensor_fd, 0, SEEK_END);
    while (timer >= 0 && !stopping(f) && wait_period(timer)) {
        Sample s;
        if (pread(f->sensor_fd, &s, sizeof s, offset) != (ssize_t)sizeof s)
            memset(&s, 0, sizeof s);
        offset = offset + (off_t)sizeof s + (off_t)sizeof s > size ? 0 : offset + (off_t)sizeof s;
        if (write(f->control_pipe[1], &s, sizeof s) != (ssize_t)sizeof s)
            break;
    }
    if (timer >= 0)
        close(timer);
    close(f->control_pipe[1]); /* the attitude thread sees the end and stops in turn */
    return NULL;
}

/* A complementary filter and a PD law: enough arithmetic to take tens of microseconds. */
static void attitude_control(Flight *f, const Sample *s, float motors[4])
{
    float dt = 1.0f / (float)f->rate_hz, angle[3];
    for (int axis = 0; axis < 3; axis++) {
        float gyro = (float)s->gyro[axis] * 1e-3f, accel = atan2f((float)s->accel[axis], 9810.0f);
        angle[axis] = 0.98f * (f->attitude[axis] + gyro * dt) + 0.02f * accel;
        for (int iteration = 0; iteration < 64; iteration++) /* the estimator's inner steps */
            angle[axis] = angle[axis] * 0.999f + sinf(angle[axis]) * 1e-4f;
    }
    float thrust = 0.55f;
    motors[0] = thrust + 0.1f * (angle[0] + angle[1]) - 0.05f * angle[2];
    motors[1] = thrust - 0.1f * (angle[0] - angle[1]) + 0.05f * angle[2];
    motors[2] = thrust - 0.1f * (angle[0] + angle[1]) - 0.05f * angle[2];
    motors[3] = thrust + 0.1f * (angle[0] - angle[1]) + 0.05f * angle[2];
    pthread_mutex_lock(&f->state_lock); /* telemetry reads it */
    memcpy(f->attitude, angle, sizeof angle);
    pthread_mutex_unlock(&f->state_lock);
}

static void *attitude_thread(void *arg)
{
    Flight *f = arg;
    Sample s;
    while (read(f->control_pipe[0], &s, sizeof s) == (ssize_t)sizeof s) {
        float motors[4];
        attitude_control(f, &s, motors);
        if (write(f->motor_pipe[1], motors, sizeof motors) != (ssize_t)sizeof motors)
            break;
    }
    close(f->motor_pipe[1]);
    return NULL;
}

static void *motor_thread(void *arg)
{
    Flight *f = arg;
    float motors[4];
    while (read(f->motor_pipe[0], motors, sizeof motors) == (ssize_t)sizeof motors) {
        uint16_t pwm[4];
        for (int i = 0; i < 4; i++)
            pwm[i] = (uint16_t)(1000.0f + 1000.0f * fminf(fmaxf(motors[i], 0.0f), 1.0f));
        if (write(f->pwm_fd, pwm, sizeof pwm) < 0)
            break;
        pthread_mutex_lock(&f->state_lock);
        memcpy(f->motors, motors, sizeof motors);
        f->cycles++;
        pthread_mutex_unlock(&f->state_lock);
    }
    return NULL;
}

static void *telemetry_thread(void *arg)
{
    Flight *f = arg;
    int timer = periodic_timer(TELEMETRY_HZ);
    while (timer >= 0 && !stopping(f) && wait_period(timer)) {
        struct {
            uint64_t cycles;
            float attitude[3], motors[4];
        } packet;
        pthread_mutex_lock(&f->state_lock);
        packet.cycles = f->cycles;
        memcpy(packet.attitude, f->attitude, sizeof packet.attitude);
        memcpy(packet.motors, f->motors, sizeof packet.motors);
        pthread_mutex_unlock(&f->state_lock);
        sendto(f->udp_out, &packet, sizeof packet, 0, (struct sockaddr *)&f->ground, sizeof f->ground);
    }
    if (timer >= 0)
        close(timer);
    return NULL;
}

static void *ground_thread(void *arg)
{
    Flight *f = arg;
    char packet[256];
    while (!stopping(f)) /* the socket's receive timeout lets a stop request be seen */
        (void)recv(f->udp_in, packet, sizeof packet, 0);
    return NULL;
}

static int open_udp(Flight *f)
{
    f->udp_in = socket(AF_INET, SOCK_DGRAM, 0);
    f->udp_out = socket(AF_INET, SOCK_DGRAM, 0);
    if (f->udp_in < 0 || f->udp_out < 0)
        return -1;
    struct sockaddr_in any = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof f->ground;
    struct timeval timeout = {.tv_usec = 100000};
    if (bind(f->udp_in, (struct sockaddr *)&any, sizeof any) < 0 ||
        getsockname(f->udp_in, (struct sockaddr *)&f->ground, &len) < 0 ||
        setsockopt(f->udp_in, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0)
        return -1;
    return 0;
}

typedef struct ThreadSpec {
    const char *name;
    void *(*run)(void *);
    int fifo_priority; /* 0: SCHED_OTHER */
} ThreadSpec;

static const ThreadSpec threads[] = {
    {"ground", ground_thread, 0},
    {"telemetry", telemetry_thread, 20},
    {"motor", motor_thread, 40},
    {"attitude", attitude_thread, 45},
    {"imu", imu_thread, 50},
};
#define N_THREADS (sizeof threads / sizeof threads[0])

/* Starts a thread at its FIFO priority; without the right to it, at the normal policy. */
static int start_thread(Flight *f, const ThreadSpec *spec, pthread_t *thread, bool *warned)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (spec->fifo_priority) {
        struct sched_param param = {.sched_priority = spec->fifo_priority};
        pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
        pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
        pthread_attr_setschedparam(&attr, &param);
    }
    int rc = pthread_create(thread, &attr, spec->run, f);
    if (rc == EPERM) {
        if (!*warned)
            fprintf(stderr, "flight: no right to SCHED_FIFO (run as root); threads run at the normal policy\n");
        *warned = true;
        rc = pthread_create(thread, NULL, spec->run, f);
    }
    pthread_attr_destroy(&attr);
    if (rc == 0)
        pthread_setname_np(*thread, spec->name);
    return rc;
}

static int usage(FILE *out, int status)
{
    fprintf(out, "usage: flight [--seconds S] [--rate HZ] [--sensor FILE]\n"
                 "  --seconds S    fly for S seconds (default 10), or until SIGINT/SIGTERM\n"
                 "  --rate HZ      the IMU's sampling rate and the control loop's (default 400)\n"
                 "  --sensor FILE  where the IMU reads its samples, in a circle (default /proc/self/exe)\n");
    return status;
}

static int parse_args(Flight *f, int argc, char **argv)
{
    static const struct option options[] = {{"seconds", required_argument, NULL, 's'},
                                            {"rate", required_argument, NULL, 'r'},
                                            {"sensor", required_argument, NULL, 'i'},
                                            {"help", no_argument, NULL, 'h'},
                                            {0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "s:r:i:h", options, NULL)) != -1) {
        char *end = NULL;
        switch (opt) {
        case 's': f->seconds = strtod(optarg, &end); break;
        case 'r': f->rate_hz = (int)strtol(optarg, &end, 10); break;
        case 'i': f->sensor_path = optarg; break;
        case 'h': exit(usage(stdout, 0));
        default: return -1;
        }
        if (end && (*end || end == optarg)) {
            fprintf(stderr, "flight: '%s' is not a number\n", optarg);
            return -1;
        }
    }
    if (optind < argc || !(f->seconds > 0 && f->seconds <= 86400) || f->rate_hz < 1 || f->rate_hz > 10000) {
        fprintf(stderr, "flight: --seconds wants 0 to 86400 and --rate 1 to 10000\n");
        return -1;
    }
    return 0;
}

static int setup(Flight *f)
{
    f->sensor_fd = open(f->sensor_path, O_RDONLY);
    f->pwm_fd = open("/dev/null", O_WRONLY);
    if (f->sensor_fd < 0 || f->pwm_fd < 0) {
        fprintf(stderr, "flight: %s: %s\n", f->sensor_fd < 0 ? f->sensor_path : "/dev/null", strerror(errno));
        return -1;
    }
    if (pipe(f->control_pipe) < 0 || pipe(f->motor_pipe) < 0 || open_udp(f) < 0) {
        fprintf(stderr, "flight: %s\n", strerror(errno));
        return -1;
    }
    pthread_mutex_init(&f->state_lock, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    Flight f = {.rate_hz = 400, .seconds = 10, .sensor_path = "/proc/self/exe"};
    if (parse_args(&f, argc, argv) < 0)
        return usage(stderr, 2);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (setup(&f) < 0)
        return 2;
    pthread_t ids[N_THREADS];
    bool warned = false;
    size_t started = 0;
    for (; started < N_THREADS; started++)
        if (start_thread(&f, &threads[started], &ids[started], &warned) != 0) {
            fprintf(stderr, "flight: cannot start the %s thread\n", threads[started].name);
            break;
        }
    /* A thread that did not start cannot close the pipe it writes: close it here, so that the
     * threads reading it see the end (imu writes the control pipe, attitude the motor pipe). */
    if (started <= 3)
        close(f.motor_pipe[1]);
    if (started <= 4)
        close(f.control_pipe[1]);
    /* In slices, so that a signal taken by any thread, or between the check and the sleep, is
     * seen within 50 ms. */
    double deadline = now_seconds() + f.seconds;
    while (started == N_THREADS && !atomic_load(&interrupted) && now_seconds() < deadline) {
        struct timespec slice = {0, 50000000L};
        nanosleep(&slice, NULL);
    }
    atomic_store(&f.stop, true);
    for (size_t i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
    printf("flight: %llu control cycles\n", (unsigned long long)f.cycles);
    return started == N_THREADS ? 0 : 2;
}
