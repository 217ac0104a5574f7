package io.partnerka.drip;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Trigger.CompletedExecutionInstruction;
import org.quartz.TriggerListener;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.quartz.autoconfigure.SchedulerFactoryBeanCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A few periodic Quartz jobs (never one per partner): the JDBC job store is clustered with
 * {@code acquireTriggersWithinLock}, so each firing runs on exactly one instance. The dispatcher and the broadcast
 * queue allow overlapping firings — on a backlog several instances (and threads) work side by side, kept apart by
 * {@code FOR UPDATE SKIP LOCKED} on our own rows; the scan, the reminders and the digest run one at a time.
 */
@Configuration(proxyBeanMethods = false)
class DripJobs {

    static final String GROUP = "drip";

    /**
     * Boot hands Quartz the DataSource through a lookup, which does not order their shutdown: without this the pool
     * (and the embedded server) may close while the scheduler still writes its state.
     */
    @Bean
    static BeanFactoryPostProcessor dripSchedulerStopsBeforeTheDataSource() {
        return factory -> {
            if (!factory.containsBeanDefinition("quartzScheduler") || !factory.containsBeanDefinition("dataSource")) return;
            BeanDefinition scheduler = factory.getBeanDefinition("quartzScheduler");
            List<String> dependsOn = new ArrayList<>(scheduler.getDependsOn() == null ? List.of() : List.of(scheduler.getDependsOn()));
            if (!dependsOn.contains("dataSource")) dependsOn.add("dataSource");
            scheduler.setDependsOn(dependsOn.toArray(String[]::new));
        };
    }

    /** Quartz misfires (a firing that came too late: every instance busy or down) as partnerka.quartz.misfires{trigger}. */
    @Bean
    SchedulerFactoryBeanCustomizer dripMisfireMeter(MeterRegistry meters) {
        return factory -> factory.setGlobalTriggerListeners(new MisfireMeter(meters));
    }

    @Bean
    JobDetail dripDispatchJob() {
        return job(SharedJob.class, DripTasks.DISPATCH);
    }

    @Bean
    Trigger dripDispatchTrigger(DripProperties p) {
        return every(DripTasks.DISPATCH, p.dispatch().every());
    }

    @Bean
    JobDetail dripBroadcastJob() {
        return job(SharedJob.class, DripTasks.BROADCAST);
    }

    @Bean
    Trigger dripBroadcastTrigger(DripProperties p) {
        return every(DripTasks.BROADCAST, p.broadcast().every());
    }

    @Bean
    JobDetail dripScanJob() {
        return job(ExclusiveJob.class, DripTasks.SCAN);
    }

    @Bean
    Trigger dripScanTrigger(DripProperties p) {
        return every(DripTasks.SCAN, p.scanEvery());
    }

    @Bean
    JobDetail dripRemindersJob() {
        return job(ExclusiveJob.class, DripTasks.REMINDERS);
    }

    @Bean
    Trigger dripRemindersTrigger(DripProperties p) {
        return every(DripTasks.REMINDERS, p.reminders().every());
    }

    @Bean
    JobDetail dripDigestJob() {
        return job(ExclusiveJob.class, DripTasks.DIGEST);
    }

    /** Daily at the digest time in the program's zone; a firing missed while every instance was down runs at start. */
    @Bean
    Trigger dripDigestTrigger(DripProperties p, @Value("${partnerka.time-zone:Europe/Moscow}") String zone) {
        return TriggerBuilder.newTrigger().withIdentity(DripTasks.DIGEST, GROUP).forJob(DripTasks.DIGEST, GROUP)
                .withSchedule(CronScheduleBuilder.dailyAtHourAndMinute(p.digest().at().getHour(), p.digest().at().getMinute())
                        .inTimeZone(TimeZone.getTimeZone(zone)).withMisfireHandlingInstructionFireAndProceed())
                .build();
    }

    private static JobDetail job(Class<? extends Job> type, String task) {
        return JobBuilder.newJob(type).withIdentity(task, GROUP).usingJobData("task", task).storeDurably()
                .withDescription("drip " + task).build();
    }

    /** Repeats forever; firings missed while the cluster was down are not caught up one by one (the next one does all). */
    private static Trigger every(String task, Duration interval) {
        return TriggerBuilder.newTrigger().withIdentity(task, GROUP).forJob(task, GROUP)
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(interval.toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }

    /** Counts misfires per trigger (a handful of fixed trigger names: a low-cardinality tag). */
    static final class MisfireMeter implements TriggerListener {
        private final MeterRegistry meters;
        private final Map<String, Counter> counters = new ConcurrentHashMap<>();

        MisfireMeter(MeterRegistry meters) {
            this.meters = meters;
            // the drip triggers from the start, so each has a series (at 0) before its first misfire
            for (String task : List.of(DripTasks.DISPATCH, DripTasks.BROADCAST, DripTasks.SCAN, DripTasks.REMINDERS, DripTasks.DIGEST)) {
                counter(task);
            }
        }

        private Counter counter(String trigger) {
            return counters.computeIfAbsent(trigger, name -> Counter.builder("partnerka.quartz.misfires")
                    .tag("trigger", name).description("Quartz firings that misfired").register(meters));
        }

        @Override
        public String getName() {
            return "partnerka-misfire-meter";
        }

        @Override
        public void triggerMisfired(Trigger trigger) {
            counter(trigger.getKey().getName()).increment();
        }

        @Override
        public void triggerFired(Trigger trigger, JobExecutionContext context) {
        }

        @Override
        public boolean vetoJobExecution(Trigger trigger, JobExecutionContext context) {
            return false;
        }

        @Override
        public void triggerComplete(Trigger trigger, JobExecutionContext context, CompletedExecutionInstruction instruction) {
        }
    }

    /** A task that may run on several instances at once (it claims rows with SKIP LOCKED). */
    static class SharedJob implements Job {
        private static final Logger log = LoggerFactory.getLogger(SharedJob.class);
        private final DripTasks tasks;

        SharedJob(DripTasks tasks) {
            this.tasks = tasks;
        }

        @Override
        public void execute(JobExecutionContext context) {
            String task = context.getMergedJobDataMap().getString("task");
            try {
                tasks.run(task);
            } catch (RuntimeException e) {
                // the next firing tries again; the rows of a failed batch were rolled back
                log.error("Drip task {} failed", task, e);
            }
        }
    }

    /** A task that runs on one instance at a time across the cluster. */
    @DisallowConcurrentExecution
    static class ExclusiveJob extends SharedJob {
        ExclusiveJob(DripTasks tasks) {
            super(tasks);
        }
    }
}
