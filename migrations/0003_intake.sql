CREATE TABLE "cvs" (
	"questionnaire_id" bigint PRIMARY KEY NOT NULL,
	"origin" varchar(16) NOT NULL,
	"text" text NOT NULL,
	"resume" jsonb NOT NULL,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"source" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cvs_origin_check" CHECK ("cvs"."origin" in ('extracted', 'edited', 'imported'))
);
--> statement-breakpoint
ALTER TABLE "questionnaires" ADD COLUMN "extraction_job_id" uuid;--> statement-breakpoint
ALTER TABLE "questionnaires" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "cvs" ADD CONSTRAINT "cvs_questionnaire_id_questionnaires_id_fk" FOREIGN KEY ("questionnaire_id") REFERENCES "public"."questionnaires"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "questionnaires" ADD CONSTRAINT "questionnaires_extraction_job_id_jobs_id_fk" FOREIGN KEY ("extraction_job_id") REFERENCES "public"."jobs"("id") ON DELETE set null ON UPDATE no action;