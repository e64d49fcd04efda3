import { testPlugin } from "@tidings/testkit";
import { mailjet } from "../src/index.js";
import { CREDENTIALS, mailjetRequest } from "./requests.js";

testPlugin({ plugin: mailjet, credentials: CREDENTIALS, requestFor: mailjetRequest });
