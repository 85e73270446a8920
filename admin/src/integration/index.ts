export { IntegrationPage } from './IntegrationPage';
